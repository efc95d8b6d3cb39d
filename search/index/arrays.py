"""Whole arrays of integers as compact bytes and back, at numpy speed.

Postings are stored as variable-length integers (seven bits a byte, the
high bit set on every byte but a value's last), the classic "varint".  Here
both directions work on whole arrays: no Python loop runs per value, so a
posting costs nanoseconds to decode where an unpickled Whoosh block costs
most of a microsecond.
"""

from __future__ import annotations

import numpy as np

#: Bytes a varint of up to 35 bits may take (document numbers and
#: positions are far smaller; lengths of streams fit too).
_MAX_BYTES = 5
_LIMITS = np.array([1 << 7, 1 << 14, 1 << 21, 1 << 28], dtype=np.uint64)


def varint_sizes(values: np.ndarray) -> np.ndarray:
    """The number of bytes each value takes as a varint (uint8)."""
    v = np.asarray(values)
    sizes = np.ones(len(v), dtype=np.uint8)
    for limit in _LIMITS.tolist():
        if len(v) and v.max() < limit:
            break
        sizes += v >= limit
    return sizes


def encode_varints(values: np.ndarray, sizes: np.ndarray | None = None) -> np.ndarray:
    """The values (non-negative, below 2**35) as one uint8 array of varints."""
    v = np.asarray(values)
    if not len(v):
        return np.zeros(0, dtype=np.uint8)
    v = v.astype(np.uint32 if v.max() < (1 << 32) else np.uint64, copy=False)
    if sizes is None:
        sizes = varint_sizes(v)
    starts = np.cumsum(sizes, dtype=np.int64)
    out = np.empty(int(starts[-1]), dtype=np.uint8)
    starts -= sizes
    # Byte k of every value that has one: the values still to write shrink.
    for k in range(_MAX_BYTES):
        if k:
            keep = np.flatnonzero(sizes > k)
            if not len(keep):
                break
            v, sizes, starts = v[keep] >> v.dtype.type(7), sizes[keep], starts[keep]
        byte = (v & v.dtype.type(0x7F)).astype(np.uint8)
        byte |= (sizes > k + 1).astype(np.uint8) << 7
        out[starts + k] = byte
    return out


def decode_varints(data, count: int | None = None) -> np.ndarray:
    """The int64 values of a buffer of varints (given ``count``, also checks
    that the buffer holds that many)."""
    b = np.frombuffer(data, dtype=np.uint8)
    more = b >= 0x80  # a byte with one more after it
    if not more.any():  # every value in one byte: the common case
        values = b.astype(np.int64)
    elif more[-1]:
        raise ValueError("truncated varint data")
    else:
        ends = np.flatnonzero(~more)  # the last byte of each value
        # Horner's rule from each value's last (highest) byte down: the
        # values with more bytes are fewer at every step.
        sizes = np.empty_like(ends)
        sizes[0] = ends[0] + 1
        np.subtract(ends[1:], ends[:-1], out=sizes[1:])
        values = b[ends].astype(np.int64)
        which = np.flatnonzero(sizes > 1)
        k = 1
        while len(which):
            values[which] = (values[which] << 7) | (b[ends[which] - k] & 0x7F)
            k += 1
            which = which[sizes[which] > k]
    if count is not None and len(values) != count:
        raise ValueError(f"expected {count} varints, found {len(values)}")
    return values


def restart_cumsum(deltas: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Running sums of ``deltas`` that start again at every run of
    ``lengths`` values (delta-coded runs decoded at once)."""
    total = np.cumsum(deltas)
    if len(lengths) <= 1:
        return total
    ends = np.cumsum(lengths)[:-1]
    before = np.zeros(len(lengths), dtype=total.dtype)
    before[1:] = total[ends - 1]
    return total - np.repeat(before, lengths)


def run_deltas(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Differences of consecutive values, each run (beginning at ``starts``)
    keeping its first value whole: the inverse of :func:`restart_cumsum`."""
    values = np.asarray(values)
    out = np.empty_like(values)
    if not len(values):
        return out
    out[0] = values[0]
    out[1:] = values[1:] - values[:-1]
    out[starts] = values[starts]
    return out


def smallest_uint(values: np.ndarray) -> np.ndarray:
    """The values in the narrowest unsigned dtype that holds them."""
    top = int(values.max()) if len(values) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.uint64)


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] .. starts[i] + lengths[i]`` of every i, in
    one array."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    return np.arange(total, dtype=np.int64) + np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(lengths) - lengths), lengths)
