import { GoogleGenerativeAI, SchemaType, type ResponseSchema } from '@google/generative-ai';

interface Recipe {
  name: string;
  minutes: number;
  vegetarian?: boolean;
}

const schema: ResponseSchema = {
  type: SchemaType.ARRAY,
  items: {
    type: SchemaType.OBJECT,
    properties: {
      name: { type: SchemaType.STRING },
      minutes: { type: SchemaType.INTEGER },
      vegetarian: { type: SchemaType.BOOLEAN },
      course: { type: SchemaType.STRING, format: 'enum', enum: ['starter', 'main', 'dessert'] },
    },
    required: ['name', 'minutes'],
  },
};

async function main(): Promise<void> {
  const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY!);
  const model = genAI.getGenerativeModel({
    model: 'gemini-1.5-flash',
    systemInstruction: 'You plan quick weeknight dinners.',
    generationConfig: { responseMimeType: 'application/json', responseSchema: schema },
  });
  const result = await model.generateContent('List two quick dinner recipes.');
  const recipes: Recipe[] = JSON.parse(result.response.text());
  for (const recipe of recipes) {
    console.log(`${recipe.name} (${recipe.minutes} min, vegetarian: ${recipe.vegetarian})`);
  }
  console.log(JSON.stringify(recipes));
}

main();
