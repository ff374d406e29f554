import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            long a = sc.nextLong() % MOD, b = sc.nextLong();
            long r = 1;
            for (long i = 0; i < b; i++) {
                r = r * a % MOD;
            }
            System.out.println(r);
        }
    }
}
