// Where the datasets that do not ship with the extension come from: named in loader errors and
// in the validator's "folder not found" messages.
export const CIFAR_URL = 'https://www.cs.toronto.edu/~kriz/cifar.html';
export const FASHION_MNIST_URL = 'https://github.com/zalandoresearch/fashion-mnist';
