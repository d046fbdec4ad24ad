"""Builds the optional C kernel of the one-sentence scorer (framing/_kernel.pyx) when Cython is
available; without it the package still installs and scores with numpy, only more slowly."""

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # pragma: no cover - the build-system table requires Cython
    extensions = []
else:
    extensions = cythonize(
        [Extension("framing._kernel", ["framing/_kernel.pyx"], extra_compile_args=["-O2"])],
        compiler_directives={"language_level": 3},
    )

setup(ext_modules=extensions)
