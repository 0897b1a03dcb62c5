import base64
import io

import PIL.Image
from google import genai

client = genai.Client(api_key="fake-key")

picture = PIL.Image.new("RGB", (8, 8), color=(20, 120, 220))
picture_webp = io.BytesIO()
picture.save(picture_webp, format="webp", lossless=True)
image = {
    "type": "image",
    "data": base64.b64encode(picture_webp.getvalue()).decode(),
    "mime_type": "image/png",
}
response = client.interactions.create(
    model="gemini-2.5-flash",
    input=[{"type": "text", "text": "Describe this picture."}, image],
)
print(response.output_text)
