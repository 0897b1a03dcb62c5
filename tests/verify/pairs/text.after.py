from google import genai

client = genai.Client()
interaction = client.interactions.create(
    model="gemini-3-flash-preview", input="Tell me a joke about penguins."
)
print(interaction.output_text)
