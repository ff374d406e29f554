import java.io.DataInputStream;
import java.io.IOException;

public class Main {
    // Minimal buffered reader of signed integers from a raw byte stream.
    static final DataInputStream in = new DataInputStream(System.in);
    static final byte[] buf = new byte[1 << 16];
    static int len = 0, pos = 0;

    static int read() throws IOException {
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) return -1;
        }
        return buf[pos++];
    }

    static int nextInt() throws IOException {
        int c = read();
        while (c != '-' && (c < '0' || c > '9')) c = read();
        boolean neg = c == '-';
        if (neg) c = read();
        int v = 0;
        while (c >= '0' && c <= '9') {
            v = v * 10 + (c - '0');
            c = read();
        }
        return neg ? -v : v;
    }

    public static void main(String[] args) throws IOException {
        int r = nextInt(), c = nextInt();
        int[][] a = new int[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) a[i][j] = nextInt();
        }
        // every column sum is computed once; the row sum is still recomputed for each cell
        long[] col = new long[c];
        for (int j = 0; j < c; j++) {
            for (int k = 0; k < r; k++) col[j] += a[k][j];
        }
        long best = Long.MIN_VALUE;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                long s = col[j] - a[i][j];
                for (int k = 0; k < c; k++) s += a[i][k];
                best = Math.max(best, s);
            }
        }
        System.out.println(best);
    }
}
