import { GoogleGenerativeAI, TaskType } from '@google/generative-ai';

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const embedder = genAI.getGenerativeModel({ model: 'text-embedding-004' });

const one = await embedder.embedContent({
  content: { role: 'user', parts: [{ text: 'The quick brown fox' }] },
  taskType: TaskType.RETRIEVAL_QUERY,
});
console.log(one.embedding.values.length, one.embedding.values.slice(0, 3));
const batch = await embedder.batchEmbedContents({
  requests: ['alpha', 'beta'].map((text) => ({ content: { role: 'user', parts: [{ text }] } })),
});
console.log(batch.embeddings.map((e) => e.values[0]));

const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' });
const { totalTokens } = await model.countTokens('How many tokens is this sentence?');
console.log(`${totalTokens} tokens`);
