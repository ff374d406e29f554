import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;

    // x * y modulo MOD from 16-bit halves, so that every partial product fits in 32 bits
    static long mulmod(long x, long y) {
        long xh = x >> 16, xl = x & 0xFFFF, yh = y >> 16, yl = y & 0xFFFF;
        long r = xh * yh % MOD;
        r = ((r << 16) + xh * yl + xl * yh) % MOD;
        return ((r << 16) + xl * yl) % MOD;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            long a = sc.nextLong() % MOD, b = sc.nextLong();
            long r = 1;
            for (long i = 0; i < b; i++) {
                r = mulmod(r, a);
            }
            System.out.println(r);
        }
    }
}
