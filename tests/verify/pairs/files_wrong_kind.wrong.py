import pathlib

from google import genai

client = genai.Client(api_key="fake-key")

pathlib.Path("report.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
report = client.files.upload(file="report.pdf", config={"display_name": "report.pdf"})
response = client.interactions.create(
    model="gemini-2.5-flash",
    input=[
        {"type": "text", "text": "Summarise this report."},
        {"type": "image", "uri": report.uri, "mime_type": report.mime_type},
    ],
)
print(response.output_text)
client.files.delete(name=report.name)
