import {
  FunctionCallingMode,
  GoogleGenerativeAI,
  HarmBlockThreshold,
  HarmCategory,
  SchemaType,
} from '@google/generative-ai';

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const careful = genAI.getGenerativeModel({
  model: 'gemini-1.5-flash',
  safetySettings: [
    { category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.BLOCK_NONE },
    {
      category: HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT,
      threshold: HarmBlockThreshold.BLOCK_ONLY_HIGH,
    },
  ],
});
const described = await careful.generateContent([
  'Describe this picture.',
  { inlineData: { data: pixel, mimeType: 'image/png' } },
]);
console.log(described.response.text());

const clock = genAI.getGenerativeModel({
  model: 'gemini-1.5-flash',
  tools: [{
    functionDeclarations: [{
      name: 'get_time',
      description: 'The local time in a city',
      parameters: { type: SchemaType.OBJECT, properties: { city: { type: SchemaType.STRING } } },
    }],
  }],
  toolConfig: {
    functionCallingConfig: { mode: FunctionCallingMode.ANY, allowedFunctionNames: ['get_time'] },
  },
});
const result = await clock.generateContent('What time is it in Oslo?');
console.log(JSON.stringify(result.response.functionCalls()));
