"""Speech, transcriptions, translations, image edits and legacy completions through the openai Python SDK, against a
sidecar at argv[1] (its /v1 base URL).

Each call prints one JSON line: {"client": ..., ...what it got}; audio and images come back base64 so the test can
decode them. A call that fails prints {"client": ..., "error": ...} and the script exits 1 at the end.
"""

import base64
import io
import json
import struct
import sys

from openai import OpenAI

BASE_URL = sys.argv[1]
TINY_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNwav0CAALIAbyWt4nEAAAAAElFTkSuQmCC")


def client():
    return OpenAI(api_key="py-key", base_url=BASE_URL, max_retries=0)


def wav_file(seconds):
    """A mono 16 kHz 16-bit WAV of silence, `seconds` long."""
    data = b"\x00\x00" * int(16000 * seconds)
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    return header + b"data" + struct.pack("<I", len(data)) + data


def speech(response_format):
    def call():
        kwargs = {} if response_format is None else {"response_format": response_format}
        response = client().audio.speech.create(model="tts-1", voice="alloy", input=f"python speech {response_format}", **kwargs)
        return {"content_type": response.response.headers.get("content-type"), "audio": base64.b64encode(response.content).decode()}

    return call


def speech_streamed():
    with client().audio.speech.with_streaming_response.create(model="gemini-2.5-flash-preview-tts", voice="Kore", input="python streamed speech", response_format="pcm") as response:
        audio = b"".join(response.iter_bytes())
    return {"audio": base64.b64encode(audio).decode()}


def transcription(response_format):
    def call():
        kwargs = {} if response_format is None else {"response_format": response_format}
        result = client().audio.transcriptions.create(model="whisper-1", file=("python.wav", io.BytesIO(wav_file(1.5)), "audio/wav"), **kwargs)
        return {"result": result if isinstance(result, str) else result.model_dump()}

    return call


def transcription_stream():
    stream = client().audio.transcriptions.create(model="gpt-4o-transcribe", file=("python.wav", io.BytesIO(wav_file(1.5)), "audio/wav"), stream=True)
    return {"events": [event.model_dump() for event in stream]}


def translation():
    result = client().audio.translations.create(model="whisper-1", file=("python.wav", io.BytesIO(wav_file(1.5)), "audio/wav"))
    return {"text": result.text}


def image_edit(count):
    def call():
        images = [(f"in{index}.png", io.BytesIO(TINY_PNG), "image/png") for index in range(count)]
        result = client().images.edit(model="gemini-2.5-flash-image", image=images[0] if count == 1 else images, prompt=f"python edit {count}")
        return {"data": [image.b64_json for image in result.data], "usage": result.usage.model_dump() if result.usage else None}

    return call


def completion():
    result = client().completions.create(model="gemini-2.5-flash", prompt=["python one", "python two"], max_tokens=20)
    return {"object": result.object, "choices": [{"index": choice.index, "text": choice.text, "finish_reason": choice.finish_reason} for choice in result.choices]}


def completion_stream():
    stream = client().completions.create(model="gemini-2.5-flash", prompt="python streamed completion", stream=True, stream_options={"include_usage": True})
    chunks = [chunk.model_dump() for chunk in stream]
    return {"text": "".join(choice["text"] for chunk in chunks for choice in chunk["choices"]), "last": chunks[-1]}


CALLS = {
    **{f"audio.speech.create({fmt})": speech(fmt) for fmt in [None, "mp3", "opus", "wav", "flac", "pcm"]},
    "audio.speech.with_streaming_response": speech_streamed,
    **{f"audio.transcriptions.create({fmt})": transcription(fmt) for fmt in [None, "json", "text", "verbose_json", "srt", "vtt"]},
    "audio.transcriptions.create(stream=True)": transcription_stream,
    "audio.translations.create": translation,
    "images.edit(1)": image_edit(1),
    "images.edit(3)": image_edit(3),
    "completions.create": completion,
    "completions.create(stream=True)": completion_stream,
}

failed = False
for name, call in CALLS.items():
    if len(sys.argv) > 2 and name not in sys.argv[2:]:
        continue
    try:
        print(json.dumps({"client": name, **call()}), flush=True)
    except Exception as error:  # report every call, then fail
        failed = True
        print(json.dumps({"client": name, "error": f"{type(error).__name__}: {error}"[:2000]}), flush=True)
sys.exit(1 if failed else 0)
