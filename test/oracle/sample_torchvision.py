"""Monte-Carlo moments of torchvision policies: the oracle the exact moments are checked against.

Usage: python3 sample_torchvision.py JOB.json OUT_DIR
JOB.json: {"image": "image.npy" (float32, C x H x W, values in [0, 1]), "samples": N, "seed": S,
           "policies": ["T.Compose([...])", ...]}   (Python expressions over T = torchvision.transforms)
Writes OUT_DIR/<i>_mean.npy, <i>_var.npy and <i>_m4.npy (float32, C x H x W): the sample mean, the sample
variance (divisor N) and the fourth central moment per pixel, for the standard errors of the first two.

GaussianNoise is v2-only (torchvision >= 0.19); on older torchvision it is defined here as v2 defines it:
out = image + (mean + randn_like(image) * sigma), clamped to [0, 1] when clip.
"""
import json
import sys

import numpy as np
import torch
import torchvision.transforms as T
from torchvision.transforms import InterpolationMode

if not hasattr(T, "GaussianNoise"):

    class GaussianNoise(torch.nn.Module):
        def __init__(self, mean=0.0, sigma=0.1, clip=True):
            super().__init__()
            self.mean, self.sigma, self.clip = mean, sigma, clip

        def forward(self, image):
            out = image + (self.mean + torch.randn_like(image) * self.sigma)
            return out.clamp(0, 1) if self.clip else out

    T.GaussianNoise = GaussianNoise


def moments(policy, image, samples):
    stack = torch.stack([policy(image).to(torch.float64) for _ in range(samples)])
    mean = stack.mean(dim=0)
    centred = stack - mean
    var = (centred ** 2).mean(dim=0)
    m4 = (centred ** 4).mean(dim=0)
    return mean, var, m4


def main():
    job = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    image = torch.from_numpy(np.load(job["image"]).astype(np.float32))
    torch.manual_seed(job["seed"])
    # Tiny images: threads cost more than they save.
    torch.set_num_threads(1)
    scope = {"T": T, "InterpolationMode": InterpolationMode}
    for i, text in enumerate(job["policies"]):
        policy = eval(text, scope)
        mean, var, m4 = moments(policy, image, job["samples"])
        for name, value in (("mean", mean), ("var", var), ("m4", m4)):
            np.save(f"{out}/{i}_{name}.npy", value.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
