import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

const stream = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  input: 'Write a short poem about the harbour at night.',
  stream: true,
});
let text = '';
let usage;
for await (const event of stream) {
  if (event.event_type === 'step.delta' && event.delta.type === 'text') {
    process.stdout.write(`[${event.delta.text}]`);
    text += event.delta.text;
  } else if (event.event_type === 'interaction.completed') {
    usage = event.interaction.usage;
  }
}
console.log();
console.log(text);
console.log(`${usage.total_tokens} tokens`);
