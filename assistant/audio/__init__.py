"""Audio in: file decoding (PyAV), live capture (sounddevice) and durable recording."""
