import google.generativeai as genai

genai.configure(api_key="not-used")
model = genai.GenerativeModel("gemini-1.5-flash")
response = model.generate_content("Tell me a joke about penguins.")
print(response.text)
