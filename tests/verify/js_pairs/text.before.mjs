import { GoogleGenerativeAI } from '@google/generative-ai';

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({
  model: 'gemini-1.5-flash',
  systemInstruction: 'You are a helpful librarian.',
  generationConfig: { temperature: 0.3, topP: 0.9, maxOutputTokens: 40, stopSequences: ['END'] },
});

const result = await model.generateContent('Recommend a book about the sea.');
console.log(result.response.text());
const usage = result.response.usageMetadata;
console.log(`tokens: ${usage.promptTokenCount} in, ${usage.candidatesTokenCount} out, ` +
  `${usage.totalTokenCount} total`);
