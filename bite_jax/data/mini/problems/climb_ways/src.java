import java.util.Scanner;

public class Main {
    static final long MOD = 1_000_000_007L;
    static int[] steps;

    static long ways(int m) {
        if (m == 0) return 1;
        long total = 0;
        for (int s : steps) {
            if (s <= m) total = (total + ways(m - s)) % MOD;
        }
        return total;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int n = sc.nextInt(), k = sc.nextInt();
        steps = new int[k];
        for (int i = 0; i < k; i++) steps[i] = sc.nextInt();
        System.out.println(ways(n));
    }
}
