import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int q = sc.nextInt();
        for (int t = 0; t < q; t++) {
            long l = sc.nextLong(), r = sc.nextLong();
            long s = 0;
            for (long i = l; i <= r; i++) {
                s = (s + i * i) % MOD;
            }
            System.out.println(s);
        }
    }
}
