import { GoogleGenAI } from '@google/genai';

function getWeather({ city }) {
  return { city, temperature_c: city.length + 10, sky: 'clear' };
}

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
const modelParams = {
  model: 'gemini-3-flash-preview',
  tools: [{
    type: 'function',
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', description: 'City name' } },
      required: ['city'],
    },
  }],
};

let interaction = await ai.interactions.create({
  ...modelParams,
  input: 'What is the weather like in Lisbon?',
});
const calls = interaction.steps.filter((step) => step.type === 'function_call');
for (const call of calls) {
  console.log(`call ${call.name}(${JSON.stringify(call.arguments)})`);
}
interaction = await ai.interactions.create({
  ...modelParams,
  previous_interaction_id: interaction.id,
  input: calls.map((call) => ({
    type: 'function_result',
    call_id: call.id,
    name: call.name,
    result: getWeather(call.arguments),
  })),
});
console.log(interaction.output_text ?? '');
