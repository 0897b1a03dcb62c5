import { GoogleGenerativeAI, SchemaType } from '@google/generative-ai';

function getWeather({ city }) {
  return { city, temperature_c: city.length + 10, sky: 'clear' };
}

const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
const model = genAI.getGenerativeModel({
  model: 'gemini-1.5-flash',
  tools: [{
    functionDeclarations: [{
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: {
        type: SchemaType.OBJECT,
        properties: { city: { type: SchemaType.STRING, description: 'City name' } },
        required: ['city'],
      },
    }],
  }],
});
const chat = model.startChat();

let result = await chat.sendMessage('What is the weather like in Lisbon?');
const calls = result.response.functionCalls() ?? [];
for (const call of calls) {
  console.log(`call ${call.name}(${JSON.stringify(call.args)})`);
}
result = await chat.sendMessage(
  calls.map((call) => ({ functionResponse: { name: call.name, response: getWeather(call.args) } })),
);
console.log(result.response.text());
