#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int r, c;
    cin >> r >> c;
    vector<int> a((size_t)r * c);
    for (auto &x : a) cin >> x;
    // build the whole answer in one string and write it once
    string out;
    out.reserve((size_t)r * c * 8);
    for (int j = 0; j < c; ++j) {
        for (int i = 0; i < r; ++i) {
            out += to_string(a[(size_t)i * c + j]);
            out += (i + 1 < r) ? ' ' : '\n';
        }
    }
    cout << out;
    return 0;
}
