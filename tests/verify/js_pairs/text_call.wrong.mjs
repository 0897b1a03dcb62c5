import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
const modelParams = {
  model: 'gemini-3-flash-preview',
  system_instruction: 'You are a helpful librarian.',
  generation_config: { temperature: 0.3, top_p: 0.9, max_output_tokens: 40, stop_sequences: ['END'] },
};

const result = await ai.interactions.create({ ...modelParams, input: 'Recommend a book about the sea.' });
console.log(result.text());
const usage = result.usage;
console.log(`tokens: ${usage.total_input_tokens} in, ${usage.total_output_tokens} out, ` +
  `${usage.total_tokens} total`);
