import { GoogleGenerativeAI } from '@google/generative-ai';

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({ model: 'gemini-2.0-flash' });

const result = await model.generateContentStream('Write a short poem about the harbour at night.');
for await (const chunk of result.stream) {
  process.stdout.write(`[${chunk.text()}]`);
}
console.log();
const response = await result.response;
console.log(response.text());
console.log(`${response.usageMetadata.totalTokenCount} tokens`);
