const { GoogleGenerativeAI } = require('@google/generative-ai');

async function main() {
  const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY);
  const model = genAI.getGenerativeModel({ model: 'gemini-2.0-flash' });
  const chat = model.startChat({
    history: [
      { role: 'user', parts: [{ text: 'Hello, I have two dogs in my house.' }] },
      { role: 'model', parts: [{ text: 'Great to meet you. What would you like to know?' }] },
    ],
    generationConfig: { maxOutputTokens: 100 },
  });

  let result = await chat.sendMessage('How many paws are in my house?');
  console.log(result.response.text());
  result = await chat.sendMessage('And if I adopt a cat?');
  console.log(result.response.text());

  const streamed = await chat.sendMessageStream('Name three cat breeds.');
  for await (const chunk of streamed.stream) {
    process.stdout.write(chunk.text());
  }
  console.log();
  result = await chat.sendMessage('Which one sheds least?');
  console.log(result.response.text());
}

main();
