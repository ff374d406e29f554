import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;

    static long power(long a, long e) {
        long r = 1;
        a %= MOD;
        for (; e > 0; e >>= 1) {
            if ((e & 1) == 1) r = r * a % MOD;
            a = a * a % MOD;
        }
        return r;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            long n = sc.nextLong(), k = sc.nextLong();
            // C(n, k) = n (n-1) ... (n-k+1) / k!
            long num = 1, den = 1;
            for (long i = 0; i < k; i++) {
                num = num * (n - i) % MOD;
                den = den * (i + 1) % MOD;
            }
            System.out.println(num * power(den, MOD - 2) % MOD);
        }
    }
}
