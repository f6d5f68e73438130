"""Detector plugins: frames in, detections out. Knows nothing of vgateway."""
