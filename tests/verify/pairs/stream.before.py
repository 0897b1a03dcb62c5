import google.generativeai as genai

model = genai.GenerativeModel("gemini-1.5-pro")
for chunk in model.generate_content("Write a long story about a lighthouse keeper.", stream=True):
    print(chunk.text)
