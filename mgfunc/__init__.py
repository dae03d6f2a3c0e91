"""mgfunc: scalar reverse-mode autodiff and a tiny MLP in which nothing is ever mutated.

Karpathy's micrograd, rebuilt functionally: nodes are frozen, ``backward`` returns a gradient
table instead of writing ``.grad`` fields, and training returns new models.

>>> import mgfunc
>>> x = mgfunc.Value(-4.0, label="x")
>>> y = x * x + x.relu()
>>> grads = mgfunc.backward(y)
>>> y.data, grads[x]
(16.0, -8.0)

The submodules ``curvature``, ``datasets``, ``errors``, ``graph``, ``io``, ``losses``, ``nn``,
``optim``, ``plot_data`` and ``trainer`` are loaded with the package; ``mgfunc.plots``
(matplotlib) is imported explicitly, so ``import mgfunc`` never loads matplotlib.
"""

# Submodules, so that ``mgfunc.nn.MLP`` works after ``import mgfunc``. Each imports the core
# modules it needs directly, so the order of these imports does not matter.
from mgfunc import curvature as curvature
from mgfunc import datasets as datasets
from mgfunc import errors as errors
from mgfunc import graph as graph
from mgfunc import io as io
from mgfunc import losses as losses
from mgfunc import nn as nn
from mgfunc import optim as optim
from mgfunc import plot_data as plot_data
from mgfunc import trainer as trainer
from mgfunc.backward import backward as backward
from mgfunc.errors import DomainError as DomainError
from mgfunc.errors import GradientCheckError as GradientCheckError
from mgfunc.errors import InvalidTypeError as InvalidTypeError
from mgfunc.errors import InvalidValueError as InvalidValueError
from mgfunc.errors import MgfuncError as MgfuncError
from mgfunc.errors import ModelFileError as ModelFileError
from mgfunc.gradient_check import check_grads as check_grads
from mgfunc.gradients import Gradients as Gradients
from mgfunc.ops import add as add
from mgfunc.ops import div as div
from mgfunc.ops import exp as exp
from mgfunc.ops import log as log
from mgfunc.ops import mul as mul
from mgfunc.ops import neg as neg
from mgfunc.ops import pow as pow
from mgfunc.ops import relu as relu
from mgfunc.ops import sigmoid as sigmoid
from mgfunc.ops import sub as sub
from mgfunc.ops import tanh as tanh
from mgfunc.topology import topological_order as topological_order
from mgfunc.trainer import LearningRateError as LearningRateError
from mgfunc.trainer import TrainingDivergedError as TrainingDivergedError
from mgfunc.trainer import TrainingInterrupted as TrainingInterrupted
from mgfunc.transforms import derivative as derivative
from mgfunc.transforms import grad as grad
from mgfunc.transforms import hessian as hessian
from mgfunc.transforms import hvp as hvp
from mgfunc.transforms import jacobian as jacobian
from mgfunc.transforms import jvp as jvp
from mgfunc.transforms import value_and_grad as value_and_grad
from mgfunc.transforms import vjp as vjp
from mgfunc.value import Value as Value
from mgfunc.value import linear as linear
from mgfunc.value import logsumexp as logsumexp
from mgfunc.value import sum_values as sum_values

# The one source of the version: pyproject.toml has setuptools read this literal (keep it a
# plain string, so that it is read without importing mgfunc).
__version__ = "0.3.0"

__all__ = [
    "DomainError",
    "GradientCheckError",
    "Gradients",
    "InvalidTypeError",
    "InvalidValueError",
    "LearningRateError",
    "MgfuncError",
    "ModelFileError",
    "TrainingDivergedError",
    "TrainingInterrupted",
    "Value",
    "__version__",
    "add",
    "backward",
    "check_grads",
    "derivative",
    "div",
    "exp",
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "linear",
    "log",
    "logsumexp",
    "mul",
    "neg",
    "pow",
    "relu",
    "sigmoid",
    "sub",
    "sum_values",
    "tanh",
    "topological_order",
    "value_and_grad",
    "vjp",
]
