// Real-world training-script snippets, as written in well-known recipes, for the scanner tests.

/** kuangliu/pytorch-cifar main.py (the classic CIFAR-10 recipe). */
export const CIFAR = `'''Train CIFAR10 with PyTorch.'''
import torch
import torchvision
import torchvision.transforms as transforms

# Data
print('==> Preparing data..')
transform_train = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
])

transform_test = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
])

trainset = torchvision.datasets.CIFAR10(
    root='./data', train=True, download=True, transform=transform_train)
`;

/** pytorch/examples imagenet/main.py: Normalize bound to a variable inside a function. */
export const IMAGENET = `import torchvision.datasets as datasets
import torchvision.transforms as transforms


def main_worker(gpu, ngpus_per_node, args):
    traindir = os.path.join(args.data, 'train')
    normalize = transforms.Normalize(mean=[0.485, 0.456, 0.406],
                                     std=[0.229, 0.224, 0.225])

    train_dataset = datasets.ImageFolder(
        traindir,
        transforms.Compose([
            transforms.RandomResizedCrop(224),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            normalize,
        ]))

    val_dataset = datasets.ImageFolder(
        valdir,
        transforms.Compose([
            transforms.Resize(256),
            transforms.CenterCrop(224),
            transforms.ToTensor(),
            normalize,
        ]))
`;

/** The torchvision v2 "getting started" pipeline. */
export const V2 = `import torch
from torchvision.transforms import v2

transforms = v2.Compose([
    v2.ToImage(),  # Convert to tensor, only needed if you had a PIL image
    v2.ToDtype(torch.uint8, scale=True),  # optional, most input are already uint8 at this point
    # ...
    v2.RandomHorizontalFlip(p=0.5),
    # ...
    v2.ToDtype(torch.float32, scale=True),  # Normalize expects float input
    v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])
`;

/** Aliased imports, a parenthesised import list, comments and line continuations inside calls. */
export const MULTILINE = `from torchvision import transforms as T
from torchvision.transforms import (RandomCrop,   # crop
                                    RandomHorizontalFlip as HFlip)
from torchvision.transforms import InterpolationMode as IM

aug = T.Compose(
    [
        RandomCrop(
            28,          # MNIST size
            padding=(2,  # left/right
                     2),
            padding_mode='reflect',
        ),
        HFlip(p=0.25),
        T.RandomAffine(degrees=0, translate=(0.1, 0.1),
                       interpolation=IM.BILINEAR),
    ]
)
extra = \\
    T.RandomVerticalFlip(0.1)
`;

/** Values AugLens cannot read without running the code. */
export const NON_LITERAL = `import random
import torchvision.transforms as T

crop_size = 32
mean, std = get_stats()
train = T.Compose([
    T.RandomCrop(crop_size, padding=cfg.padding),
    T.RandomHorizontalFlip(p=random.random()),
    T.Normalize(mean, std),
    T.RandomApply([T.Lambda(lambda img: img)], p=0.8),
])
`;
