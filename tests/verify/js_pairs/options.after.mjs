import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const described = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  safety_settings: [
    { type: 'harassment', threshold: 'block_none' },
    { type: 'dangerous_content', threshold: 'block_only_high' },
  ],
  input: [
    { type: 'text', text: 'Describe this picture.' },
    { type: 'image', data: pixel, mime_type: 'image/png' },
  ],
});
console.log(described.output_text ?? '');

const result = await ai.interactions.create({
  model: 'gemini-3-flash-preview',
  tools: [{
    type: 'function',
    name: 'get_time',
    description: 'The local time in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  }],
  generation_config: { tool_choice: { allowed_tools: { mode: 'any', tools: ['get_time'] } } },
  input: 'What time is it in Oslo?',
});
const calls = result.steps.filter((step) => step.type === 'function_call');
console.log(JSON.stringify(calls.map((call) => ({ name: call.name, args: call.arguments }))));
