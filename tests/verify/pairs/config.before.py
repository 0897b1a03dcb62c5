import google.generativeai as genai

model = genai.GenerativeModel(
    "gemini-1.5-flash",
    system_instruction="Answer in one short sentence.",
    generation_config=genai.GenerationConfig(
        temperature=0.3, top_p=0.8, max_output_tokens=12, stop_sequences=["STOP"]
    ),
)
response = model.generate_content("Explain how tides work to a curious ten year old child.")
print(response.text)
print(response.usage_metadata.total_token_count)
