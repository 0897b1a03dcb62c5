import google.generativeai as genai

model = genai.GenerativeModel("gemini-1.5-flash", generation_config={"temperature": 0.1})
print(model.count_tokens("How many tokens is this?").total_tokens)
