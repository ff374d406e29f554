#include <iostream>
using namespace std;

// number of Collatz steps from x down to 1
long long chainLength(long long x) {
    long long len = 0;
    while (x != 1) {
        if (x % 2 == 0) x /= 2;
        else x = 3 * x + 1;
        ++len;
    }
    return len;
}

int main() {
    long long n;
    cin >> n;
    long long best = 1, bestLen = 0;
    for (long long i = 1; i <= n; ++i)
        if (chainLength(i) > bestLen) bestLen = chainLength(i);
    // scanning down, the last start found with that length is the smallest
    for (long long i = n; i >= 1; --i)
        if (chainLength(i) == bestLen) best = i;
    cout << best << ' ' << bestLen << '\n';
    return 0;
}
