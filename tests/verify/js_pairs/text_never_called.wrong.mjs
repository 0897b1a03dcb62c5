import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });

// A migration that moved the call into a function nobody calls: it exits cleanly without a
// single request, which proves nothing about the migration.
export async function recommend() {
  const result = await ai.interactions.create({
    model: 'gemini-3-flash-preview',
    input: 'Recommend a book about the sea.',
  });
  return result.output_text ?? '';
}
