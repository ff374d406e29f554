import java.util.Scanner;

public class Main {
    // number of Collatz steps from x down to 1
    static long chainLength(long x) {
        long len = 0;
        while (x != 1) {
            if (x % 2 == 0) x /= 2;
            else x = 3 * x + 1;
            len++;
        }
        return len;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        long n = sc.nextLong();
        long best = 1, bestLen = 0;
        for (long i = 1; i <= n; i++) {
            if (chainLength(i) > bestLen) bestLen = chainLength(i);
        }
        // scanning down, the last start found with that length is the smallest
        for (long i = n; i >= 1; i--) {
            if (chainLength(i) == bestLen) best = i;
        }
        System.out.println(best + " " + bestLen);
    }
}
