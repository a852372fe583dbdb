"""The torchvision baseline of the policy suite (bench/suite.ts): what a user's Monte-Carlo run costs.

Usage (always with Debian's /usr/bin/python3, which has torch and torchvision):
  /usr/bin/python3 bench/torchvisionSampler.py --image IMG [--size N] --policy P [--reference variance.npy]
      [--tolerance 0.01] [--cap-seconds 60] [--cap-draws 80000] [--check-every 250] [--self-draws 2000] [--seed 0]
Prints one JSON object on stdout.

The image is read as AugLens reads it (PIL -> RGB, alpha dropped, ToTensor: float32 CHW in [0, 1]); with --size N it
then goes through Resize(N, antialias=True) and CenterCrop(N) on the tensor, as AugLens' --size does
(src/engine/analysis/inputImage.ts). The policy string is evaluated in a namespace holding torchvision.transforms'
classes (also as T and transforms) and InterpolationMode. torchvision 0.14 does not antialias tensor resizes by
default; AugLens follows torchvision >= 0.17, whose default is antialias=True, so Resize and RandomResizedCrop here
default to antialias=True (test/oracle/sample_torchvision.py writes antialias=True into its policy texts instead;
here the policy string must stay the one AugLens gets). torch keeps its default thread count (recorded).

Timed run: one augmented tensor at a time, as a DataLoader would, keeping float64 running sums of y and y^2 only;
every --check-every draws the sample variance map (divisor n - 1) is compared with the reference (AugLens' map) in
relative L2 distance; the run stops when that is <= --tolerance, else at the caps. Without a reference the timed run
only measures the cost per draw (capped at 500 draws).

Self-estimate (untimed, separate pass of --self-draws draws with sums of y..y^4, centred on the timed run's mean):
N_1% = sum_p Var[(y_p - mu_p)^2] / (tol^2 ||var||^2), the draws torchvision needs for a variance map within tol of
the true one by its own standard error, whatever AugLens says.
"""
import argparse
import inspect
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
from PIL import Image
from torchvision.transforms import InterpolationMode


def namespace():
    """torchvision.transforms' classes, with antialias=True as the default of the resizing ones (torchvision >= 0.17)."""
    scope = {name: obj for name, obj in vars(T).items() if inspect.isclass(obj)}

    def antialiased(cls):
        class Antialiased(cls):
            def __init__(self, *args, **kwargs):
                params = list(inspect.signature(cls.__init__).parameters)[1:]
                if "antialias" not in kwargs and len(args) <= params.index("antialias"):
                    kwargs["antialias"] = True
                super().__init__(*args, **kwargs)

        Antialiased.__name__ = cls.__name__
        return Antialiased

    for name in ("Resize", "RandomResizedCrop"):
        scope[name] = antialiased(getattr(T, name))
    scope["InterpolationMode"] = InterpolationMode
    scope["T"] = scope["transforms"] = T
    return scope


def load_image(path, size):
    with Image.open(path) as im:
        x = torch.from_numpy(np.asarray(im.convert("RGB"), dtype=np.float32) / np.float32(255)).permute(2, 0, 1).contiguous()
    if size:
        x = T.CenterCrop(size)(T.Resize(size, antialias=True)(x))
    return x


def relative_l2(a, b):
    return float(torch.linalg.vector_norm(a - b) / torch.linalg.vector_norm(b))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--size", type=int, default=0)
    ap.add_argument("--policy", required=True)
    ap.add_argument("--reference", default=None, help="AugLens' variance.npy (float32, C x H x W)")
    ap.add_argument("--tolerance", type=float, default=0.01)
    ap.add_argument("--cap-seconds", type=float, default=60.0)
    ap.add_argument("--cap-draws", type=int, default=80000)
    ap.add_argument("--check-every", type=int, default=250)
    ap.add_argument("--self-draws", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dump-image", default=None, help="write the loaded image as .npy (for checking the loading)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    image = load_image(args.image, args.size)
    if args.dump_image:
        np.save(args.dump_image, image.numpy())
    policy = eval(args.policy, namespace())
    reference = None
    if args.reference:
        reference = torch.from_numpy(np.load(args.reference).astype(np.float64))
        if tuple(reference.shape) != tuple(policy(image).shape):
            raise SystemExit(f"reference shape {tuple(reference.shape)} does not match the augmented image")
    cap_draws = args.cap_draws if reference is not None else min(args.cap_draws, 500)

    # Warm-up (first-call costs), not counted.
    for _ in range(5):
        policy(image)

    s1 = s2 = None
    n = 0
    augment_s = accumulate_s = 0.0
    trace = []
    distance = None
    reached = False
    start = time.perf_counter()
    while n < cap_draws:
        t0 = time.perf_counter()
        y = policy(image)
        t1 = time.perf_counter()
        y = y.to(torch.float64)
        if s1 is None:
            s1 = torch.zeros_like(y)
            s2 = torch.zeros_like(y)
        s1 += y
        s2 += y * y
        n += 1
        t2 = time.perf_counter()
        augment_s += t1 - t0
        accumulate_s += t2 - t1
        if n % args.check_every == 0 or n == cap_draws:
            elapsed = time.perf_counter() - start
            if reference is not None:
                var = (s2 - s1 * s1 / n) / (n - 1)
                distance = relative_l2(var, reference)
                trace.append({"draws": n, "seconds": round(time.perf_counter() - start, 4), "distance": distance})
                if distance <= args.tolerance:
                    reached = True
                    break
            if elapsed >= args.cap_seconds:
                break
    seconds = time.perf_counter() - start
    mean = s1 / n
    var = (s2 - s1 * s1 / n) / (n - 1)

    # Untimed self-estimate: Var[(y - mu)^2] per pixel from a separate pass, sums of powers of y - mean (the timed
    # run's mean, a fixed shift that keeps the raw sums well conditioned).
    self_estimate = None
    if args.self_draws > 1:
        m = args.self_draws
        p = [torch.zeros_like(mean) for _ in range(4)]
        t0 = time.perf_counter()
        for _ in range(m):
            d = policy(image).to(torch.float64) - mean
            d2 = d * d
            p[0] += d
            p[1] += d2
            p[2] += d2 * d
            p[3] += d2 * d2
        pass_s = time.perf_counter() - t0
        a1, a2, a3, a4 = (x / m for x in p)
        v = (a2 - a1 * a1).clamp(min=0)
        c4 = a4 - 4 * a1 * a3 + 6 * a1 * a1 * a2 - 3 * a1**4
        var_of_sq = (c4 - v * v).clamp(min=0)
        # ||var||^2 from the timed run when it has more draws (its own noise adds ~SE^2, negligible either way).
        norm_var = var if n >= m else v
        norm2 = float((norm_var * norm_var).sum())
        total = float(var_of_sq.sum())
        n1 = total / (args.tolerance**2 * norm2)
        self_estimate = {
            "draws": m,
            "passSeconds": pass_s,
            "drawsFor1Percent": n1,
            # The timed run's own standard error at its final draw count, and the part of the measured distance to
            # the reference it does not explain (an estimate of the reference map's own error).
            "standardErrorAtEnd": math.sqrt(total / n) / math.sqrt(norm2),
            "distanceBeyondNoise": None
            if distance is None
            else math.sqrt(max(distance**2 - total / n / norm2, 0.0)),
        }

    print(
        json.dumps(
            {
                "policy": args.policy,
                "image": args.image,
                "size": args.size or None,
                "shape": list(mean.shape),
                "reference": args.reference,
                "tolerance": args.tolerance,
                "caps": {"seconds": args.cap_seconds, "draws": cap_draws},
                "draws": n,
                "seconds": seconds,
                "drawSeconds": augment_s + accumulate_s,
                "augmentSeconds": augment_s,
                "msPerDraw": 1000 * (augment_s + accumulate_s) / n,
                "msPerAugmentation": 1000 * augment_s / n,
                "distance": distance,
                "minDistance": min((t["distance"] for t in trace), default=None),
                "reached": reached,
                "trace": trace,
                "selfEstimate": self_estimate,
                "varianceNorm": float(torch.linalg.vector_norm(var)),
                "torchThreads": torch.get_num_threads(),
                "torchInteropThreads": torch.get_num_interop_threads(),
                "cpuCount": os.cpu_count(),
                "ompNumThreads": os.environ.get("OMP_NUM_THREADS"),
                "torch": torch.__version__,
                "torchvision": torchvision.__version__,
                "python": sys.version.split()[0],
                "antialiasDefault": True,
                "seed": args.seed,
            }
        )
    )


if __name__ == "__main__":
    main()
