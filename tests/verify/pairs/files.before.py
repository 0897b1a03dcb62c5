import pathlib

import google.generativeai as genai

genai.configure(api_key="fake-key")
model = genai.GenerativeModel("gemini-2.5-flash")

pathlib.Path("report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
report = genai.upload_file("report.pdf")
response = model.generate_content(["Summarise this report.", report])
print(response.text)
genai.delete_file(report)
