from google import genai

client = genai.Client()
interaction = client.interactions.create(
    model="gemini-3-flash-preview",
    input="Explain how tides work to a curious ten year old child.",
    system_instruction="Answer in one short sentence.",
    generation_config={
        "temperature": 0.3,
        "top_p": 0.8,
        "max_output_tokens": 12,
        "stop_sequences": ["STOP"],
    },
)
print(interaction.output_text)
print(interaction.usage.total_tokens)
