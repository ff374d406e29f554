import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;

    // 1^2 + ... + n^2 modulo MOD, summed term by term.
    static long squarePrefix(long n) {
        long s = 0;
        for (long i = 1; i <= n; i++) {
            s = (s + i * i) % MOD;
        }
        return s;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            long l = sc.nextLong(), r = sc.nextLong();
            System.out.println((squarePrefix(r) - squarePrefix(l - 1) + MOD) % MOD);
        }
    }
}
