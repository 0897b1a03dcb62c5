import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

const response = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  input: 'Why is the sky blue?',
  system_instruction: 'Answer in one sentence.',
  generation_config: { temperature: 0.5, max_output_tokens: 30 },
});
console.log(response.output_text ?? '');
console.log(response.usage.total_tokens);

let turn = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  input: [
    { type: 'user_input', content: [{ type: 'text', text: 'I like green tea.' }] },
    { type: 'model_output', content: [{ type: 'text', text: 'Noted.' }] },
    { type: 'user_input', content: [{ type: 'text', text: 'What do I like?' }] },
  ],
});
console.log(turn.output_text ?? '');
turn = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  input: 'What should I drink this afternoon?',
  previous_interaction_id: turn.id,
});
console.log(turn.output_text ?? '');
