"""Tour 4: receptive fields: how many input pixels one output value sees, layer by layer.

Run: python examples/tour/04_receptive_fields.py [--out tour_out]

A small stack (3x3 conv, 3x3 conv, 2x2 max-pool, 3x3 conv, 3x3 conv with dilation 2) on a 28x28
digit. The summary's RF and Jump columns follow the rule, per layer with kernel k, stride s and
dilation d:

    r <- r + d (k - 1) j      (the new window spans d(k-1) more of its inputs, j input pixels apart)
    j <- j s                  (the jump: input pixels between neighbouring outputs)

starting from r = 1, j = 1. Then the same field is found by backpropagation (the input pixels
whose gradient is not zero for one output unit) and drawn over the image, for a unit in the
middle and one at the corner, where the field is clipped by the padding. Read alongside:

- minigrad/utils/_layer_arithmetic.py: the receptive-field and jump rule per layer type
- minigrad/utils/_summary.py: ``summary`` (``rows[i].receptive_field``, ``rows[i].jump``)
- minigrad/utils/plots/receptive_field.py: ``receptive_field_box``, ``plot_receptive_field``
"""
import minigrad as torch
import minigrad.nn as nn
from minigrad.utils import summary
from minigrad.utils.plots import plot_receptive_field, receptive_field_box

from _tour import draw, heading, parse_args, synthetic_digits


def stack() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.Conv2d(4, 4, 3, padding=2, dilation=2),
    )


def main(argv=None) -> None:
    args = parse_args(__doc__.splitlines()[0], argv)
    model = stack()
    images, labels = synthetic_digits(1, seed=3)
    image = torch.tensor(images[0])  # (1, 28, 28)

    heading("The summary's RF and Jump columns", "minigrad/utils/_summary.py: summary")
    result = summary(model, input_size=(1, 1, 28, 28))
    print("Layer by layer (along H; W is the same here), r <- r + d(k-1)j, j <- j s:")
    field, jump = 1, 1
    for row, layer in zip(result.rows[1:], model):
        k, s, d = (layer.kernel_size, layer.stride, layer.dilation)
        k, s, d = (v if isinstance(v, int) else v[0] for v in (k, s, d))
        field, jump = field + d * (k - 1) * jump, jump * s
        print(f"  {row.name}: {row.type:<9} k={k} s={s} d={d}:  r = {field:>2}, j = {jump}   "
              f"(summary: RF {row.receptive_field[0]}, jump {row.jump[0]})")
        assert (field, jump) == (row.receptive_field[0], row.jump[0])

    heading("The same field, measured by backpropagation",
            "minigrad/utils/plots/receptive_field.py: receptive_field_box")
    print("For each prefix of the stack, the output unit at the middle of its map, and the box of input")
    print("pixels with a nonzero gradient d unit / d input:")
    for depth in range(1, len(model) + 1):
        prefix = model[:depth]
        out_size = prefix(image.unsqueeze(0)).shape[-1]
        centre = (out_size // 2, out_size // 2)
        top, left, bottom, right = receptive_field_box(prefix, image, centre)
        rule = result.rows[depth].receptive_field
        print(f"  after layer {depth - 1} ({type(model[depth - 1]).__name__}), unit {centre} of {out_size}x{out_size}: "
              f"rows {top}..{bottom - 1}, cols {left}..{right - 1} -> {bottom - top}x{right - left} "
              f"(summary: {rule[0]}x{rule[1]})")
        assert bottom - top <= rule[0] and right - left <= rule[1]
    print("Inside the image the two agree. The rule gives the largest field: a max-pool passes the gradient to")
    print("one pixel per window, and a ReLU that is off blocks it, so a measured field can be smaller.")

    heading("Pictures", "minigrad/utils/plots/receptive_field.py: plot_receptive_field")
    print(f"The image: digit {labels[0]} drawn by _tour.synthetic_digits (no dataset needed).")
    draw(args.out, "04_receptive_field_centre.png", lambda path: plot_receptive_field(model, image, (7, 7), path))
    print("A corner unit: its window reaches into the zero padding, so the field is clipped by the image edge.")
    draw(args.out, "04_receptive_field_corner.png", lambda path: plot_receptive_field(model, image, (0, 0), path))


if __name__ == "__main__":
    main()
