import { writeFileSync } from 'node:fs';
import { GoogleGenAI } from '@google/genai';

writeFileSync('notes.txt', 'Buy milk.\nCall the plumber.\n');
const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
const file = await ai.files.upload({ file: 'notes.txt', config: { mimeType: 'text/plain', displayName: 'notes' } });
console.log(file.name, file.mimeType);

const interaction = await ai.interactions.create({
  model: 'gemini-2.5-flash',
  input: [{
    type: 'user_input',
    content: [
      { type: 'document', uri: file.uri, mime_type: file.mimeType },
      { type: 'text', text: 'List the tasks in this file.' },
    ],
  }],
});
console.log(interaction.output_text ?? '');
await ai.files.delete({ name: file.name });
