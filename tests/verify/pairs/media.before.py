import google.generativeai as genai
import PIL.Image

genai.configure(api_key="fake-key")
model = genai.GenerativeModel("gemini-2.5-flash")

picture = PIL.Image.new("RGB", (8, 8), color=(20, 120, 220))
response = model.generate_content(["Describe this picture.", picture])
print(response.text)
