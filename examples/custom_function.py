"""Write your own differentiable operation with ``minigrad.autograd.Function``, as in PyTorch.

Run: python examples/custom_function.py

The example defines a numerically careful ``softplus(x) = log(1 + e^x)`` with its derivative
``sigmoid(x)``, checks that derivative against finite differences with ``gradcheck``, and uses it
to fit a tiny model.
"""
import minigrad as torch


class Softplus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): never overflows.
        return x.clamp(min=0) + torch.log(1 + torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)


def main() -> None:
    x = torch.randn(5, dtype=torch.float64, requires_grad=True)
    print("gradcheck passed:", torch.autograd.gradcheck(Softplus.apply, (x,)))

    # Fit y = softplus(w * t) to data generated with w = 2.
    torch.manual_seed(0)
    t = torch.linspace(-3, 3, 50)
    y = Softplus.apply(2 * t)
    w = torch.zeros(1, requires_grad=True)
    for step in range(200):
        loss = ((Softplus.apply(w * t) - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.5 * w.grad
        w.grad = None
    print(f"learned w = {w.item():.4f} (true 2), loss = {loss.item():.2e}")
    print(loss)


if __name__ == "__main__":
    main()
