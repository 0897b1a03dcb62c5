import { writeFileSync } from 'node:fs';
import { GoogleGenerativeAI } from '@google/generative-ai';
import { GoogleAIFileManager } from '@google/generative-ai/server';

writeFileSync('notes.txt', 'Buy milk.\nCall the plumber.\n');
const fileManager = new GoogleAIFileManager(process.env.GEMINI_API_KEY);
const upload = await fileManager.uploadFile('notes.txt', { mimeType: 'text/plain', displayName: 'notes' });
console.log(upload.file.name, upload.file.mimeType);

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({ model: 'gemini-2.5-flash' });
const result = await model.generateContent([
  { fileData: { fileUri: upload.file.uri, mimeType: upload.file.mimeType } },
  'List the tasks in this file.',
]);
console.log(result.response.text());
await fileManager.deleteFile(upload.file.name);
