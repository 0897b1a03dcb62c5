import { GoogleGenAI } from '@google/genai';

interface Recipe {
  name: string;
  minutes: number;
  vegetarian?: boolean;
}

// Properties listed alphabetically: the legacy API answered an OpenAPI schema in that order,
// an Interactions JSON Schema keeps its own.
const schema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      course: { type: 'string', enum: ['starter', 'main', 'dessert'] },
      minutes: { type: 'integer' },
      name: { type: 'string' },
      vegetarian: { type: 'boolean' },
    },
    required: ['name', 'minutes'],
  },
};

async function main(): Promise<void> {
  const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
  const interaction = await ai.interactions.create({
    model: 'gemini-3-flash-preview',
    system_instruction: 'You plan quick weeknight dinners.',
    input: 'List two quick dinner recipes.',
    response_format: { type: 'text', mime_type: 'application/json', schema },
  });
  const recipes: Recipe[] = JSON.parse(interaction.output_text ?? 'null');
  for (const recipe of recipes) {
    console.log(`${recipe.name} (${recipe.minutes} min, vegetarian: ${recipe.vegetarian})`);
  }
  console.log(JSON.stringify(recipes));
}

main();
