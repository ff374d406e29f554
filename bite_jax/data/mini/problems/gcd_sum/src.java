import java.util.Scanner;

public class Main {
    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int t = sc.nextInt();
        for (int k = 0; k < t; k++) {
            long n = sc.nextLong();
            long s = 0;
            for (long j = 1; j <= n; j++) {
                s += gcd(j, n);
            }
            System.out.println(s);
        }
    }
}
