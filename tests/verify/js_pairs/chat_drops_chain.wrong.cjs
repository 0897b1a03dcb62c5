const { GoogleGenAI } = require('@google/genai');

async function main() {
  const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
  const chatParams = { model: 'gemini-3-flash-preview', generation_config: { max_output_tokens: 100 } };

  let interaction = await ai.interactions.create({
    ...chatParams,
    input: [
      { type: 'user_input', content: [{ type: 'text', text: 'Hello, I have two dogs in my house.' }] },
      { type: 'model_output', content: [{ type: 'text', text: 'Great to meet you. What would you like to know?' }] },
      { type: 'user_input', content: [{ type: 'text', text: 'How many paws are in my house?' }] },
    ],
  });
  console.log(interaction.output_text ?? '');
  interaction = await ai.interactions.create({
    ...chatParams,
    input: 'And if I adopt a cat?',
  });
  console.log(interaction.output_text ?? '');

  const stream = await ai.interactions.create({
    ...chatParams,
    input: 'Name three cat breeds.',
    previous_interaction_id: interaction.id,
    stream: true,
  });
  let lastId = interaction.id;
  for await (const event of stream) {
    if (event.event_type === 'interaction.created') {
      lastId = event.interaction.id;
    } else if (event.event_type === 'step.delta' && event.delta.type === 'text') {
      process.stdout.write(event.delta.text);
    }
  }
  console.log();
  interaction = await ai.interactions.create({
    ...chatParams,
    input: 'Which one sheds least?',
    previous_interaction_id: lastId,
  });
  console.log(interaction.output_text ?? '');
}

main();
