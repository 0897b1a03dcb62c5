import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

const response = await ai.models.generateContent({
  model: 'gemini-2.0-flash',
  contents: 'Why is the sky blue?',
  config: { systemInstruction: 'Answer in one sentence.', temperature: 0.5, maxOutputTokens: 30 },
});
console.log(response.text);
console.log(response.usageMetadata.totalTokenCount);

const chat = ai.chats.create({
  model: 'gemini-2.0-flash',
  history: [
    { role: 'user', parts: [{ text: 'I like green tea.' }] },
    { role: 'model', parts: [{ text: 'Noted.' }] },
  ],
});
console.log((await chat.sendMessage({ message: 'What do I like?' })).text);
console.log((await chat.sendMessage({ message: 'What should I drink this afternoon?' })).text);
