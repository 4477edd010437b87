// Java 17 Double.toString of doubles, with their bits, for src/value/number.rs's test:
// 6,000 in tests/jdk/doubles.txt (random bits, random decimals) and more in
// tests/jdk/doubles-wide.txt (below).
// run from the repository root: jshell -q < scripts/java-double-truth.jsh > /dev/null
var r = new java.util.Random(42);
var sb = new StringBuilder();
double[] fixed = {1e23, 2e-3, 1.0E-5, 2.82879384806159E17, 1.0E22, 9007199254740993.0, 0.1+0.2, 100.0/3, 5e-324, 1.7976931348623157E308, 4.35, 2.0E-7, 1.1E-4};
for (double d : fixed) sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n');
for (int i = 0; i < 3000; i++) { double d = Double.longBitsToDouble(r.nextLong()); if (Double.isNaN(d)) continue; sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n'); }
for (int i = 0; i < 3000; i++) { double d = r.nextInt(1000000) / Math.pow(10, r.nextInt(12)); sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n'); }
java.nio.file.Files.writeString(java.nio.file.Path.of("tests/jdk/doubles.txt"), sb.toString());

// 20,000 more, in tests/jdk/doubles-wide.txt: every exponent, the boundaries and
// the paths of FloatingDecimal.dtoa (integers that fit a long, int/long/big
// arithmetic, powers of two, subnormals), each double once.
var w = new java.util.Random(17);
var wide = new java.util.LinkedHashSet<Long>();
java.util.function.DoubleConsumer add = d -> { if (!Double.isNaN(d)) wide.add(Double.doubleToRawLongBits(d)); };
// the smallest and largest of every binade, and powers of two
for (long e = 0; e < 2047; e++) { add.accept(Double.longBitsToDouble(e << 52)); add.accept(Double.longBitsToDouble(e << 52 | 0xfffffffffffffL)); }
for (int e = -1074; e <= 1023; e++) add.accept(Math.scalb(1.0, e));
// powers of ten, their neighbours, and around 1e-3 and 1e7, where the format changes
for (int e = -323; e <= 308; e++) { double d = Double.parseDouble("1e" + e); add.accept(d); add.accept(Math.nextUp(d)); add.accept(Math.nextDown(d)); }
for (double b : new double[] {1e-3, 1e7}) { double d = b; double u = b; for (int i = 0; i < 50; i++) { add.accept(d); add.accept(u); d = Math.nextDown(d); u = Math.nextUp(u); } }
for (int i = 0; i < 1000; i++) add.accept((i % 2 == 0 ? 1e-3 : 1e7) * (0.999 + 0.002 * w.nextDouble()));
// random bits, the exponent uniform
for (int i = 0; i < 4000; i++) add.accept(Double.longBitsToDouble((w.nextBoolean() ? 1L << 63 : 0) | (long) w.nextInt(2047) << 52 | (w.nextLong() & 0xfffffffffffffL)));
// decimals: 0.1 × k, k / 10^n, and decimal texts of 1 to 17 digits at any exponent
for (int i = 0; i < 2500; i++) add.accept(0.1 * (1 + w.nextInt(100000)));
for (int i = 0; i < 1500; i++) add.accept((1 + w.nextInt(100000)) / Math.pow(10, w.nextInt(25)));
for (int i = 0; i < 2500; i++) { long m = Math.abs(w.nextLong() % (long) Math.pow(10, 1 + w.nextInt(17))); add.accept(Double.parseDouble(m + "e" + (w.nextInt(640) - 330))); }
// subnormals, with all widths of mantissa
for (int i = 0; i < 1500; i++) add.accept(Double.longBitsToDouble(w.nextLong() >>> (12 + w.nextInt(52))));
for (int k = 1; k <= 200; k++) add.accept(k * Double.MIN_VALUE);
// integers to 2^53 and past it
for (int i = 0; i < 2000; i++) add.accept((double) (w.nextLong() >>> (11 + w.nextInt(53))));
for (int i = 0; i < 1000; i++) add.accept((double) (w.nextLong() >>> w.nextInt(11)));
for (int i = 0; i < 500; i++) add.accept(Math.scalb((double) (w.nextLong() >>> 11), 10 + w.nextInt(60)));
// floats read as doubles
for (int i = 0; i < 1000; i++) add.accept((double) Float.intBitsToFloat(w.nextInt()));
var sw = new StringBuilder();
for (long bits : wide) sw.append(String.format("%016x", bits)).append(' ').append(Double.toString(Double.longBitsToDouble(bits))).append('\n');
java.nio.file.Files.writeString(java.nio.file.Path.of("tests/jdk/doubles-wide.txt"), sw.toString());
/exit
