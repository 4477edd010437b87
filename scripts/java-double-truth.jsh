// Java 17 Double.toString of 6,000 doubles (random bits, random decimals) with their bits:
// run from the repository root: jshell -q < scripts/java-double-truth.jsh > /dev/null
var r = new java.util.Random(42);
var sb = new StringBuilder();
double[] fixed = {1e23, 2e-3, 1.0E-5, 2.82879384806159E17, 1.0E22, 9007199254740993.0, 0.1+0.2, 100.0/3, 5e-324, 1.7976931348623157E308, 4.35, 2.0E-7, 1.1E-4};
for (double d : fixed) sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n');
for (int i = 0; i < 3000; i++) { double d = Double.longBitsToDouble(r.nextLong()); if (Double.isNaN(d)) continue; sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n'); }
for (int i = 0; i < 3000; i++) { double d = r.nextInt(1000000) / Math.pow(10, r.nextInt(12)); sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(' ').append(Double.toString(d)).append('\n'); }
java.nio.file.Files.writeString(java.nio.file.Path.of("tests/jdk/doubles.txt"), sb.toString());
