import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

const one = await ai.models.embedContent({
  model: 'text-embedding-004',
  contents: 'The quick brown fox',
  config: { taskType: 'RETRIEVAL_QUERY' },
});
console.log(one.embeddings[0].values.length, one.embeddings[0].values.slice(0, 3));
const batch = await ai.models.embedContent({ model: 'text-embedding-004', contents: ['alpha', 'beta'] });
console.log(batch.embeddings.map((e) => e.values[0]));

const { totalTokens } = await ai.models.countTokens({
  model: 'gemini-3-flash-preview',
  contents: 'How many tokens is this sentence?',
});
console.log(`${totalTokens} tokens`);
